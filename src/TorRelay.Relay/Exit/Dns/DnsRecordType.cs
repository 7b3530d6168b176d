namespace TorRelay.Relay.Exit.Dns;

/// <summary>The RR types the exit asks for or follows (RFC 1035 §3.2.2, RFC 3596).</summary>
public enum DnsRecordType : ushort
{
    A = 1,
    Cname = 5,
    Soa = 6,
    Ptr = 12,
    Aaaa = 28,
}
