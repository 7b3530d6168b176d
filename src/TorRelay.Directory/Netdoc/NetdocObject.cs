namespace TorRelay.Directory.Netdoc;

/// <summary>A "-----BEGIN X-----" … "-----END X-----" object attached to a netdoc item (dir-spec §1.2).</summary>
public sealed record NetdocObject(string Type, byte[] Data);
