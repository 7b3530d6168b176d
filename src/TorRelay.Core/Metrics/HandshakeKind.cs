namespace TorRelay.Core.Metrics;

/// <summary>The "kind" label of torrelay_handshake_seconds.</summary>
public enum HandshakeKind
{
    /// <summary>"link": TLS plus VERSIONS … NETINFO, as responder or initiator.</summary>
    Link,
    /// <summary>"ntor": a CREATE2 ntor handshake answered.</summary>
    Ntor,
    /// <summary>"ntor_v3": a CREATE2 ntor-v3 handshake answered.</summary>
    NtorV3,
    /// <summary>"fast": a CREATE_FAST handshake answered.</summary>
    Fast,
}
