namespace TorRelay.Relay.Exit.Dns;

/// <summary>
/// How one lookup ended, in libevent's DNS_ERR_* terms, which C tor counts in tor_relay_exit_dns_error_total{reason}.
/// </summary>
public enum DnsOutcome
{
    Success,
    Format,
    ServerFailed,
    NotExist,
    NotImpl,
    Refused,
    Truncated,
    Unknown,
    Timeout,
    Shutdown,
    Cancel,
    NoData,
}

public static class DnsOutcomeExtensions
{
    /// <summary>evdns_err_is_transient: only these answer RESOLVED_TYPE_ERROR_TRANSIENT.</summary>
    public static bool IsTransient(this DnsOutcome outcome) =>
        outcome is DnsOutcome.ServerFailed or DnsOutcome.Truncated or DnsOutcome.Timeout;

    /// <summary>The reason label C tor's relay_metrics.c gives each outcome.</summary>
    public static string MetricReason(this DnsOutcome outcome) => outcome switch
    {
        DnsOutcome.Success => "success",
        DnsOutcome.Format => "format",
        DnsOutcome.ServerFailed => "serverfailed",
        DnsOutcome.NotExist => "notexist",
        DnsOutcome.NotImpl => "notimpl",
        DnsOutcome.Refused => "refused",
        DnsOutcome.Truncated => "truncated",
        DnsOutcome.Timeout => "tor_timeout",
        DnsOutcome.Shutdown => "shutdown",
        DnsOutcome.Cancel => "cancel",
        DnsOutcome.NoData => "nodata",
        _ => "unknown",
    };
}
