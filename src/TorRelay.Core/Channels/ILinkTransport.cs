using System.IO.Pipelines;
using System.Net;

namespace TorRelay.Core.Channels;

/// <summary>
/// A TLS connection as the link protocol needs it: plaintext pipes, the peer's certificate, and the RFC 5705 exporter
/// that binds AUTHENTICATE to this TLS session.
/// </summary>
public interface ILinkTransport : IAsyncDisposable
{
    IDuplexPipe Transport { get; }

    /// <summary>The peer's TLS certificate (DER), or null if it sent none.</summary>
    byte[]? PeerCertificateDer { get; }

    EndPoint? RemoteEndPoint { get; }

    void ExportKeyingMaterial(string label, ReadOnlySpan<byte> context, Span<byte> output);

    /// <summary>Closes the connection at once, without a TLS close_notify.</summary>
    void Abort();
}
