namespace TorRelay.Host.Logging;

/// <summary>Where a tor Log line sends messages.</summary>
public enum LogDestination
{
    Stdout,
    Stderr,
    Syslog,
    File,
}
