namespace TorRelay.Core.Tls;

/// <summary>A TLS failure reported by OpenSSL (handshake, record or configuration error).</summary>
public sealed class TlsException : IOException
{
    public TlsException(string message) : base(message) { }

    public TlsException(string message, Exception inner) : base(message, inner) { }
}
