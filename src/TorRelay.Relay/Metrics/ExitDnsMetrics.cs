using System.Diagnostics.Metrics;
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
    private readonly KeyValuePair<string, object?>[][] _reasonTags;
    private readonly long[] _errors;
    private long _queries;

    public ExitDnsMetrics(Meter meter)
    {
        var reasons = DnsMetricLabels.Reasons;
        _reasonIndex = reasons.Select((r, i) => (r, i)).ToDictionary(x => x.r, x => x.i);
        _reasonTags = [.. reasons.Select(r => new[] { new KeyValuePair<string, object?>("reason", r) })];
        _errors = new long[reasons.Count];
        meter.CreateObservableCounter("tor_relay_exit_dns_query_total", () => Volatile.Read(ref _queries), null,
            "Total number of DNS queries done by this relay");
        meter.CreateObservableCounter("tor_relay_exit_dns_error_total", ObserveErrors, null,
            "Total number of DNS errors encountered by this relay");
    }

    public void Query(string record) => Interlocked.Increment(ref _queries);

    public void Error(string record, string reason)
    {
        if (_reasonIndex.TryGetValue(reason, out int i)) Interlocked.Increment(ref _errors[i]);
    }

    private IEnumerable<Measurement<long>> ObserveErrors()
    {
        var result = new Measurement<long>[_errors.Length];
        for (int i = 0; i < result.Length; i++) result[i] = new(Volatile.Read(ref _errors[i]), _reasonTags[i]);
        return result;
    }
}
