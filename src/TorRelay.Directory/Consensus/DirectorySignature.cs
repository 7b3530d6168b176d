namespace TorRelay.Directory.Consensus;

/// <summary>A "directory-signature [algorithm] identity signing-key-digest" item with its signature.</summary>
public sealed record DirectorySignature(string Algorithm, byte[] Identity, byte[] SigningKeyDigest, byte[] Signature);
