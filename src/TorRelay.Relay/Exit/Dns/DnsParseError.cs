namespace TorRelay.Relay.Exit.Dns;

/// <summary>Why a packet was not taken as the answer to our query.</summary>
public enum DnsParseError
{
    None,
    /// <summary>Shorter than a header.</summary>
    TooShort,
    /// <summary>Another transaction's ID: not ours.</summary>
    WrongId,
    /// <summary>QR bit clear: a query, not a response.</summary>
    NotResponse,
    /// <summary>The question is not the one we asked (or, with 0x20, not in the exact case we sent): a forgery or a stray.</summary>
    QuestionMismatch,
    /// <summary>Ours, but a record runs past the packet or has a bad length.</summary>
    Malformed,
}

public static class DnsParseErrorExtensions
{
    /// <summary>Packets that may belong to someone else are ignored; we keep waiting for ours.</summary>
    public static bool IsForeign(this DnsParseError error) => error is not (DnsParseError.None or DnsParseError.Malformed);
}
