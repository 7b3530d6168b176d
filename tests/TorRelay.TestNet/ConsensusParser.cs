using System.Globalization;

namespace TorRelay.TestNet;

/// <summary>
/// Minimal reader of dir-spec §3.4.1 consensus text: <c>r</c> lines (nickname, base64 identity, ...) and the
/// <c>s</c> line that follows each. Signatures are not checked: the harness trusts its own authorities.
/// </summary>
public static class ConsensusParser
{
    public static bool TryParse(string text, out ConsensusDocument? document, out string? error)
    {
        document = null;
        error = null;
        var entries = new List<ConsensusEntry>();
        DateTime validAfter = default, validUntil = default;
        string? nick = null, fp = null, address = null;
        int orPort = 0;
        bool sawHeader = false;
        var flavor = ConsensusFlavor.Ns;

        void Flush(HashSet<string> flags)
        {
            if (nick is not null)
                entries.Add(new ConsensusEntry(nick, fp!, address!, orPort, flags));
            nick = null;
        }

        foreach (string raw in text.Split('\n'))
        {
            string line = raw.TrimEnd('\r');
            string[] f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length == 0)
                continue;
            switch (f[0])
            {
                case "network-status-version" when !sawHeader:
                    // "network-status-version 3" or "network-status-version 3 microdesc"
                    sawHeader = true;
                    flavor = f.Length > 2 && f[2] == "microdesc" ? ConsensusFlavor.Microdesc : ConsensusFlavor.Ns;
                    break;
                case "valid-after" when f.Length >= 3:
                    TryTime(f[1], f[2], out validAfter);
                    break;
                case "valid-until" when f.Length >= 3:
                    TryTime(f[1], f[2], out validUntil);
                    break;
                case "r":
                    Flush(new HashSet<string>());
                    // ns: r nick identity digest date time IP ORPort DirPort; microdesc has no digest.
                    int ipIndex = flavor == ConsensusFlavor.Ns ? 6 : 5;
                    if (f.Length < ipIndex + 3 || !TryIdentityHex(f[2], out string hex) ||
                        !int.TryParse(f[ipIndex + 1], NumberStyles.None, CultureInfo.InvariantCulture, out orPort))
                    {
                        error = $"bad r line: {line}";
                        return false;
                    }
                    nick = f[1];
                    fp = hex;
                    address = f[ipIndex];
                    break;
                case "s":
                    if (nick is not null)
                        Flush(new HashSet<string>(f.Skip(1), StringComparer.Ordinal));
                    break;
                case "directory-footer":
                    Flush(new HashSet<string>());
                    break;
            }
        }
        Flush(new HashSet<string>());
        if (!sawHeader)
        {
            error = "not a network status document";
            return false;
        }
        document = new ConsensusDocument(flavor, validAfter, validUntil, entries, text);
        return true;
    }

    /// <summary>The base64 identity (unpadded, 27 chars) as 40 uppercase hex digits.</summary>
    public static bool TryIdentityHex(string base64, out string hex)
    {
        hex = "";
        string padded = base64.PadRight((base64.Length + 3) / 4 * 4, '=');
        var bytes = new byte[padded.Length];
        if (!Convert.TryFromBase64String(padded, bytes, out int n) || n != 20)
            return false;
        hex = Convert.ToHexString(bytes, 0, n);
        return true;
    }

    private static void TryTime(string date, string time, out DateTime value) =>
        DateTime.TryParseExact(date + " " + time, "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture,
            DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out value);
}
