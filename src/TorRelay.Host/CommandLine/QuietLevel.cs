namespace TorRelay.Host.CommandLine;

/// <summary>tor's quiet_level_t: what to log before the configuration's Log lines take over.</summary>
public enum QuietLevel
{
    /// <summary>Default: notice and above to stdout.</summary>
    None,

    /// <summary><c>--hush</c>: warnings and errors only.</summary>
    Hush,

    /// <summary><c>--quiet</c>: nothing.</summary>
    Silent,
}
