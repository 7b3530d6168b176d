namespace TorRelay.Host.Config;

/// <summary>The "magic" prefix of a torrc entry (doc/torrc_format.txt §2).</summary>
public enum ConfigLineCommand
{
    /// <summary><c>Key value</c>: in a new domain, replaces a list from a lower-priority domain.</summary>
    Normal,

    /// <summary><c>+Key value</c>: appends to the list from the lower-priority domain.</summary>
    Append,

    /// <summary><c>/Key</c>: clears the option (list becomes empty, singleton returns to its default).</summary>
    Clear,
}
