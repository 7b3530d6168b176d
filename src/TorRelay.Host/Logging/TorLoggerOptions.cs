namespace TorRelay.Host.Logging;

/// <summary>How <see cref="TorLoggerProvider"/> formats and where stdout/stderr go (replaceable in tests).</summary>
public sealed record TorLoggerOptions
{
    /// <summary>LogMessageDomains: prefix each message with "{Category} ".</summary>
    public bool MessageDomains { get; init; }

    /// <summary>LogTimeGranularity.</summary>
    public TimeSpan TimeGranularity { get; init; } = TimeSpan.FromSeconds(1);

    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>null: the process's standard output.</summary>
    public TextWriter? Stdout { get; init; }

    /// <summary>null: the process's standard error.</summary>
    public TextWriter? Stderr { get; init; }

    /// <summary>The syslog identity (tor's SyslogIdentityTag defaults to "Tor").</summary>
    public string SyslogTag { get; init; } = "torrelay";
}
