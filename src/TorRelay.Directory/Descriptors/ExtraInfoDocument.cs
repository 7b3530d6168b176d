namespace TorRelay.Directory.Descriptors;

/// <summary>A checked extra-info document (dir-spec §2.1.2).</summary>
public sealed class ExtraInfoDocument
{
    public required string Text { get; init; }
    public required string Nickname { get; init; }
    public required byte[] Fingerprint { get; init; }
    public required DateTimeOffset Published { get; init; }

    /// <summary>SHA-1 of "extra-info" through "router-signature\n" (the descriptor's extra-info-digest).</summary>
    public required byte[] Digest { get; init; }

    /// <summary>SHA-256 of the whole document (the second extra-info-digest argument).</summary>
    public required byte[] Digest256 { get; init; }

    /// <summary>Every item other than the framing ones, as "keyword arguments".</summary>
    public required IReadOnlyList<string> Lines { get; init; }
}
