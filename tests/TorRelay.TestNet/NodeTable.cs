using System.Text;

namespace TorRelay.TestNet;

/// <summary>The "what runs where" table `make run` prints.</summary>
public static class NodeTable
{
    public static string Format(TorNetwork network)
    {
        string[] header = ["NICKNAME", "ROLE", "ORPORT", "DIRPORT", "CONTROL", "SOCKS", "PID", "FINGERPRINT", "LOG"];
        var rows = new List<string[]> { header };
        foreach (var n in network.Nodes)
        {
            string role = n.Role == NodeRole.OurRelay && n.IsCTor ? "OurRelay(C tor stand-in)" : n.Role.ToString();
            rows.Add([n.Nickname, role, Port(n.OrPort), Port(n.DirPort), Port(n.ControlPort), Port(n.SocksPort),
                n.Pid.ToString(), n.Fingerprint ?? "(from consensus)", n.NoticeLogPath]);
        }
        int[] widths = Enumerable.Range(0, header.Length).Select(c => rows.Max(r => r[c].Length)).ToArray();
        var text = new StringBuilder();
        foreach (var r in rows)
            text.AppendLine(string.Join("  ", r.Select((cell, c) => c == r.Length - 1 ? cell : cell.PadRight(widths[c]))));
        return text.ToString().TrimEnd();
    }

    private static string Port(int port) => port == 0 ? "-" : port.ToString();
}
