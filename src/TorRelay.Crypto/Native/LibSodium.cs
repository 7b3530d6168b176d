using System.Runtime.InteropServices;

namespace TorRelay.Crypto.Native;

/// <summary>libsodium entry points for X25519 and the ed25519 group/scalar arithmetic OpenSSL does not expose.</summary>
internal static partial class LibSodium
{
    private const string Lib = "libsodium.so.23";

    /// <summary>sodium_init picks the fastest implementations; it is idempotent and thread-safe.</summary>
    private static readonly int InitResult = sodium_init();

    /// <summary>Call before any other function in this class.</summary>
    public static void EnsureInitialized()
    {
        if (InitResult < 0) throw new InvalidOperationException("sodium_init failed");
    }

    [LibraryImport(Lib)]
    private static partial int sodium_init();

    /// <summary>q = clamp(n) * p on curve25519; -1 when the result is all zero.</summary>
    [LibraryImport(Lib)]
    public static unsafe partial int crypto_scalarmult_curve25519(byte* q, byte* n, byte* p);

    [LibraryImport(Lib)]
    public static unsafe partial int crypto_scalarmult_curve25519_base(byte* q, byte* n);

    /// <summary>q = n * B without clamping (n's top bit is ignored); -1 if n is zero.</summary>
    [LibraryImport(Lib)]
    public static unsafe partial int crypto_scalarmult_ed25519_base_noclamp(byte* q, byte* n);

    /// <summary>r = s mod L for a 64-byte s.</summary>
    [LibraryImport(Lib)]
    public static unsafe partial void crypto_core_ed25519_scalar_reduce(byte* r, byte* s);

    [LibraryImport(Lib)]
    public static unsafe partial void crypto_core_ed25519_scalar_mul(byte* z, byte* x, byte* y);

    [LibraryImport(Lib)]
    public static unsafe partial void crypto_core_ed25519_scalar_add(byte* z, byte* x, byte* y);
}
