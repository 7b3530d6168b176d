namespace TorRelay.Core.Channels;

/// <summary>A link handshake failed; the channel is closed and the reason logged with the peer's address.</summary>
public sealed class LinkHandshakeException(string reason) : Exception(reason);
