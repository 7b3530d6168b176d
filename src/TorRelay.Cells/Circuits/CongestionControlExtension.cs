namespace TorRelay.Cells.Circuits;

/// <summary>
/// Congestion-control negotiation inside ntor-v3 messages (proposal 324; C tor congestion_control_common.c
/// congestion_control_parse_ext_request / _build_ext_response / _parse_ext_response).
/// </summary>
public static class CongestionControlExtension
{
    /// <summary>A client message asking for congestion control: one field, type 1, empty.</summary>
    public static ReadOnlySpan<byte> Request => [0x01, (byte)NtorV3ExtensionType.CongestionControlRequest, 0x00];

    /// <summary>A message with no extensions (a client not asking; a relay declining).</summary>
    public static ReadOnlySpan<byte> Empty => [0x00];

    /// <summary>
    /// Relay side: false when the client's message is not a valid extension list (C tor then fails the handshake);
    /// otherwise <paramref name="requested"/> says whether any field asks for congestion control.
    /// </summary>
    public static bool TryParseRequest(ReadOnlySpan<byte> clientMessage, out bool requested)
    {
        requested = false;
        if (!NtorV3Extension.TryDecodeList(clientMessage, out var fields, out _)) return false;
        foreach (var f in fields)
            if (f.Type == NtorV3ExtensionType.CongestionControlRequest) requested = true;
        return true;
    }

    /// <summary>
    /// Relay side: the reply message — one CC response field with <paramref name="sendmeInc"/> when enabled, else no
    /// fields. Returns the bytes written (4 or 1).
    /// </summary>
    public static int EncodeResponse(byte? sendmeInc, Span<byte> destination)
    {
        if (sendmeInc is not byte inc) return NtorV3Extension.EncodeList([], destination);
        return NtorV3Extension.EncodeList([new NtorV3Extension(NtorV3ExtensionType.CongestionControlResponse, new[] { inc })], destination);
    }

    /// <summary>
    /// Client side: false when the relay's message is malformed; otherwise <paramref name="sendmeInc"/> is the
    /// relay's SENDME_INC, or null when it did not enable congestion control. Whether that
    /// value is acceptable (C tor: within a factor 2 of the consensus value) is the caller's policy.
    /// </summary>
    public static bool TryParseResponse(ReadOnlySpan<byte> serverMessage, out byte? sendmeInc)
    {
        sendmeInc = null;
        if (!NtorV3Extension.TryDecodeList(serverMessage, out var fields, out _)) return false;
        foreach (var f in fields)
        {
            if (f.Type != NtorV3ExtensionType.CongestionControlResponse) continue;
            if (f.Data.Length < 1) return false;
            sendmeInc = f.Data.Span[0]; // the first response counts, as in C tor
            break;
        }
        return true;
    }
}
