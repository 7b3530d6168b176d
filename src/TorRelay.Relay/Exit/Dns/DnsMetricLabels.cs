namespace TorRelay.Relay.Exit.Dns;

/// <summary>C tor's label values (relay_metrics.c), so a metrics sink can emit every series from the start, as C tor does.</summary>
public static class DnsMetricLabels
{
    public static readonly IReadOnlyList<string> Records = ["A", "PTR", "AAAA"];

    public static readonly IReadOnlyList<string> Reasons = Enum.GetValues<DnsOutcome>().Select(o => o.MetricReason()).ToArray();

    public static string Record(DnsRecordType type) => type switch
    {
        DnsRecordType.A => "A",
        DnsRecordType.Aaaa => "AAAA",
        DnsRecordType.Ptr => "PTR",
        _ => type.ToString().ToUpperInvariant(),
    };
}
