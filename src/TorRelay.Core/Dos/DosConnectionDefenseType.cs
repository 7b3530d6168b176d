namespace TorRelay.Core.Dos;

/// <summary>C tor's dos_conn_defense_type_t: what to do with a new connection from an address over its limits.</summary>
public enum DosConnectionDefenseType
{
    None = 1,
    /// <summary>Close the new connection at once.</summary>
    Close = 2,
}
