namespace TorRelay.Host.Config;

/// <summary>One row of the option table: tor's name (canonical case), type and default.</summary>
/// <param name="Default">tor's default as a torrc value; null for "unset".</param>
/// <param name="TestingDefault">The default under <c>TestingTorNetwork 1</c> (tor's testnet.inc), if different.</param>
/// <param name="Allowed">
/// For options whose feature torrelay lacks: the only values (normalised: bools as 0/1, sizes in bytes, ports as
/// written) that are no-ops for us. Anything else is an error naming the line.
/// </param>
/// <param name="Unsupported">Why other values are refused (completes "torrelay ...").</param>
public sealed record OptionDefinition(
    string Name,
    OptionType Type,
    string? Default = null,
    string? TestingDefault = null,
    IReadOnlyList<string>? Allowed = null,
    string? Unsupported = null)
{
    /// <summary>Lists keep every line; other types keep only the last one.</summary>
    public bool IsList => Type is OptionType.LineList or OptionType.Port;
}
