using System.Diagnostics.Metrics;
using TorRelay.Core.Metrics;
using TorRelay.Relay.Exit.Dns;

namespace TorRelay.Relay.Metrics;

/// <summary>
/// C tor 0.4.9's exit DNS metrics: tor_relay_exit_dns_query_total and tor_relay_exit_dns_error_total{reason}
/// (per-record labels are disabled in C tor until libevent is fixed, so they are here too). Every reason is present
/// from the first scrape, "success" included, as C tor reports it.
/// </summary>
public sealed class ExitDnsMetrics : IDnsMetrics
{
    private readonly Dictionary<string, int> _reasonIndex;
    private readonly LabelledCounters _queries = new([[]]);
    private readonly LabelledCounters _errors;

    public ExitDnsMetrics(Meter meter)
    {
        var reasons = DnsMetricLabels.Reasons;
        _reasonIndex = reasons.Select((r, i) => (r, i)).ToDictionary(x => x.r, x => x.i);
        _errors = new LabelledCounters([.. reasons.Select(r => new[] { new KeyValuePair<string, object?>("reason", r) })]);
        meter.CreateObservableCounter("tor_relay_exit_dns_query_total", _queries.Observe, null,
            "Total number of DNS queries done by this relay");
        meter.CreateObservableCounter("tor_relay_exit_dns_error_total", _errors.Observe, null,
            "Total number of DNS errors encountered by this relay");
    }

    public void Query(string record) => _queries.Increment(0);

    public void Error(string record, string reason)
    {
        if (_reasonIndex.TryGetValue(reason, out int i)) _errors.Increment(i);
    }
}
