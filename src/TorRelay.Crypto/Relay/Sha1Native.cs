using System.Runtime.InteropServices;

namespace TorRelay.Crypto.Relay;

/// <summary>
/// OpenSSL's low-level SHA-1 (deprecated in 3.0 but exported): unlike EVP, its context is a plain 96-byte struct that
/// can be copied to read a running digest without finalising it, which is what tor1's cell digests need.
/// </summary>
internal static unsafe partial class Sha1Native
{
    private const string Lib = "libcrypto.so.3";

    /// <summary>sizeof(SHA_CTX): h0..h4, Nl, Nh, data[16], num — 24 32-bit words.</summary>
    public const int ContextSize = 96;

    [LibraryImport(Lib)]
    public static partial int SHA1_Init(byte* ctx);

    [LibraryImport(Lib)]
    public static partial int SHA1_Update(byte* ctx, byte* data, nuint len);

    [LibraryImport(Lib)]
    public static partial int SHA1_Final(byte* md, byte* ctx);
}
