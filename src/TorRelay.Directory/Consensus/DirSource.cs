using System.Net;

namespace TorRelay.Directory.Consensus;

/// <summary>A "dir-source" section of a consensus: an authority that voted.</summary>
public sealed record DirSource(string Nickname, byte[] Identity, string Hostname, IPAddress Address, int DirPort,
    int OrPort, string? Contact, byte[]? VoteDigest);
