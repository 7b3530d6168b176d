namespace TorRelay.Cells;

/// <summary>Channel-level cell commands (tor-spec §3).</summary>
public enum CellCommand : byte
{
    Padding = 0,
    Create = 1,
    Created = 2,
    Relay = 3,
    Destroy = 4,
    CreateFast = 5,
    CreatedFast = 6,
    Versions = 7,
    Netinfo = 8,
    RelayEarly = 9,
    Create2 = 10,
    Created2 = 11,
    PaddingNegotiate = 12,
    VPadding = 128,
    Certs = 129,
    AuthChallenge = 130,
    Authenticate = 131,
    Authorize = 132,
}

public static class CellCommandExtensions
{
    /// <summary>VERSIONS and every command ≥ 128 are variable-length (tor-spec §3).</summary>
    public static bool IsVariableLength(this CellCommand command) =>
        command == CellCommand.Versions || (byte)command >= 128;
}
