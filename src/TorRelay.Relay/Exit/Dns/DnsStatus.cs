namespace TorRelay.Relay.Exit.Dns;

/// <summary>The three answers tor-spec §6.4 can give: addresses, RESOLVED_TYPE_ERROR (0xF1) or ERROR_TRANSIENT (0xF0).</summary>
public enum DnsStatus
{
    Ok,
    /// <summary>Non-transient: no such name, no data, refused, malformed, an invalid hostname or no working resolver.</summary>
    NameError,
    /// <summary>Timeout, SERVFAIL or a truncated answer we could not complete.</summary>
    TransientError,
}
