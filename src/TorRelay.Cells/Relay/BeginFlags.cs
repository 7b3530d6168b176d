namespace TorRelay.Cells.Relay;

/// <summary>Flags after the address in RELAY_BEGIN (tor-spec §6.2; bit 1 is the least significant).</summary>
[Flags]
public enum BeginFlags : uint
{
    None = 0,
    Ipv6Okay = 1u << 0,
    Ipv4NotOkay = 1u << 1,
    Ipv6Preferred = 1u << 2,
}
