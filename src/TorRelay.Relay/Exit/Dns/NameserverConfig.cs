namespace TorRelay.Relay.Exit.Dns;

/// <summary>How reading the resolver configuration went (C tor's configure_nameservers).</summary>
public enum NameserverConfigStatus
{
    /// <summary>Read, with at least one nameserver.</summary>
    Loaded,
    /// <summary>Missing, empty or without nameservers: C tor warns and falls back to 127.0.0.1.</summary>
    FellBackToLocal,
    /// <summary>There but unreadable: C tor's "dns init failed" (reject *:* in the descriptor, retry later).</summary>
    Broken,
}

/// <summary>The nameservers and search rules in force, or why there are none.</summary>
public sealed record NameserverConfig(NameserverConfigStatus Status, ResolvConf? Conf, string? Error)
{
    /// <summary>Reads <paramref name="path"/> as C tor does; never throws.</summary>
    public static NameserverConfig Load(string path)
    {
        string text;
        try
        {
            if (!File.Exists(path) && !System.IO.Directory.Exists(path))
                return Local($"Unable to stat resolver configuration in '{path}'");
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            return new NameserverConfig(NameserverConfigStatus.Broken, null, $"Unable to read '{path}': {e.Message}");
        }
        if (text.Length == 0) return Local($"'{path}' is empty");
        var conf = ResolvConf.Parse(text);
        if (conf.Nameservers.Count == 0)
            return new NameserverConfig(NameserverConfigStatus.FellBackToLocal, conf with { Nameservers = [ResolvConf.LocalNameserver] },
                $"Unable to find any nameservers in '{path}'");
        return new NameserverConfig(NameserverConfigStatus.Loaded, conf, null);
    }

    private static NameserverConfig Local(string why) =>
        new(NameserverConfigStatus.FellBackToLocal, ResolvConf.Parse("nameserver 127.0.0.1"), why);
}
