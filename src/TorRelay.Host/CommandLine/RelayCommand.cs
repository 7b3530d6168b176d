namespace TorRelay.Host.CommandLine;

/// <summary>What the process was asked to do (tor's tor_cmdline_mode_t).</summary>
public enum RelayCommand
{
    /// <summary>Run the relay.</summary>
    Run,

    /// <summary><c>--verify-config</c>: load and validate the configuration, print "Configuration was valid".</summary>
    VerifyConfig,

    /// <summary><c>--list-fingerprint</c>: print "Nickname FINGERPRINT" (creating keys if needed) and exit.</summary>
    ListFingerprint,

    /// <summary><c>--version</c>.</summary>
    Version,

    /// <summary><c>--help</c> / <c>-h</c>.</summary>
    Help,

    /// <summary><c>--list-torrc-options</c>: print every option torrelay accepts.</summary>
    ListTorrcOptions,
}
