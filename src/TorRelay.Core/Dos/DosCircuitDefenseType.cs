namespace TorRelay.Core.Dos;

/// <summary>C tor's dos_cc_defense_type_t: what to do with CREATE cells from a marked address.</summary>
public enum DosCircuitDefenseType
{
    None = 1,
    /// <summary>Answer every CREATE with DESTROY (RESOURCELIMIT).</summary>
    RefuseCell = 2,
}
