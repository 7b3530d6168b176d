namespace TorRelay.Host.Logging;

/// <summary>
/// One <c>[domains]min[-max]</c> element of a Log line. <paramref name="Domains"/> is null when the range applies to
/// every domain; otherwise it lists tor's domain names as written, "~" marking negation.
/// </summary>
public sealed record LogSeverityRange(TorLogSeverity Min, TorLogSeverity Max, IReadOnlyList<string>? Domains)
{
    /// <summary>Whether a message of this severity falls in the range (Min is the least severe).</summary>
    public bool Contains(TorLogSeverity severity) => severity <= Min && severity >= Max;
}
