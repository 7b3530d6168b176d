namespace TorRelay.Core.Channels;

/// <summary>A TLS handshake or record-layer failure reported by the TLS implementation.</summary>
public class TlsFailure(string message) : Exception(message);
