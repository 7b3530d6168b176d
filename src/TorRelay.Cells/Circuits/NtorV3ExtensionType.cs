namespace TorRelay.Cells.Circuits;

/// <summary>Extension field types in ntor-v3 handshake messages (C tor congestion_control.trunnel, proposal 324).</summary>
public enum NtorV3ExtensionType : byte
{
    /// <summary>Client asks for congestion control; empty body.</summary>
    CongestionControlRequest = 0x01,
    /// <summary>Relay agrees; body is SENDME_INC (1).</summary>
    CongestionControlResponse = 0x02,
}
