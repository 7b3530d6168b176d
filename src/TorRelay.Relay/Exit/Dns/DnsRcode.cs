namespace TorRelay.Relay.Exit.Dns;

/// <summary>RFC 1035 §4.1.1 response codes.</summary>
public enum DnsRcode : byte
{
    NoError = 0,
    FormErr = 1,
    ServFail = 2,
    NxDomain = 3,
    NotImp = 4,
    Refused = 5,
}
