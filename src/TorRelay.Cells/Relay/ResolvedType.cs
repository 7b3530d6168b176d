namespace TorRelay.Cells.Relay;

/// <summary>Answer types in RELAY_RESOLVED (tor-spec §6.4).</summary>
public enum ResolvedType : byte
{
    Hostname = 0x00,
    Ipv4 = 0x04,
    Ipv6 = 0x06,
    ErrorTransient = 0xF0,
    ErrorNonTransient = 0xF1,
}
