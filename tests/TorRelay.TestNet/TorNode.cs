namespace TorRelay.TestNet;

/// <summary>One process of the private network and where to find it.</summary>
public sealed class TorNode
{
    internal TorNode(string nickname, NodeRole role, bool isCTor, string dataDirectory)
    {
        Nickname = nickname;
        Role = role;
        IsCTor = isCTor;
        DataDirectory = dataDirectory;
        TorrcPath = Path.Combine(dataDirectory, "torrc");
        NoticeLogPath = Path.Combine(dataDirectory, "notice.log");
        InfoLogPath = Path.Combine(dataDirectory, "info.log");
        StdoutPath = Path.Combine(dataDirectory, "stdout.log");
    }

    public string Nickname { get; }
    public NodeRole Role { get; }

    /// <summary>True for Debian's tor; false for our relay's binary.</summary>
    public bool IsCTor { get; }

    /// <summary>RSA identity fingerprint, 40 uppercase hex digits. For our relay: null until it is known
    /// (its DataDirectory/fingerprint file, or the consensus; see <see cref="TorNetwork.ResolveFingerprintAsync"/>).</summary>
    public string? Fingerprint { get; internal set; }

    /// <summary>Authorities only: the v3 identity (authority_certificate's fingerprint), 40 uppercase hex digits.</summary>
    public string? V3Identity { get; internal set; }

    /// <summary>0 when the node has no such port.</summary>
    public int OrPort { get; internal set; }
    public int DirPort { get; internal set; }
    public int ControlPort { get; internal set; }
    public int SocksPort { get; internal set; }

    /// <summary>Our relay's Prometheus MetricsPort on 127.0.0.1 (0 for C tor nodes).</summary>
    public int MetricsPort { get; internal set; }

    public string DataDirectory { get; }
    public string TorrcPath { get; }
    public string NoticeLogPath { get; }
    public string InfoLogPath { get; }
    /// <summary>The process's stdout and stderr (startup errors land here).</summary>
    public string StdoutPath { get; }

    /// <summary>0 before the process starts.</summary>
    public int Pid => Process?.Pid ?? 0;

    internal ChildProcess? Process { get; set; }

    public bool IsRunning => Process is { HasExited: false };

    public override string ToString() => $"{Nickname} ({Role}, pid {Pid}, ORPort {OrPort})";
}
