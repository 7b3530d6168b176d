using System.Net;

namespace TorRelay.Directory.Cache;

/// <summary>Settings of <see cref="DirectoryRequestHandler"/>.</summary>
public sealed record DirectoryRequestHandlerOptions
{
    /// <summary>
    /// Our own IPv4 address: with EnforceDistinctSubnets (C tor's default) a peer in its /24 counts as local and gets
    /// no X-Your-Address-Is header (is_local_to_resolve_addr).
    /// </summary>
    public IPAddress? OurAddress { get; init; }

    public bool EnforceDistinctSubnets { get; init; } = true;

    /// <summary>
    /// True for BEGIN_DIR streams (connection_dir_is_encrypted); false answers as a C tor DirPort does, where
    /// unknown descriptors are dropped from a request before its cache lifetime is chosen.
    /// </summary>
    public bool EncryptedConnection { get; init; } = true;
}
