namespace TorRelay.Crypto.Native;

internal static class X509Native
{
    /// <summary>d2i_X509 of exactly the whole input; null on malformed DER.</summary>
    public static unsafe X509Handle? TryParse(ReadOnlySpan<byte> der)
    {
        if (der.IsEmpty) return null;
        LibCrypto.ERR_clear_error();
        fixed (byte* p = der)
        {
            byte* cursor = p;
            var cert = new X509Handle(LibCrypto.d2i_X509(IntPtr.Zero, &cursor, der.Length));
            if (cert.IsInvalid) { LibCrypto.ERR_clear_error(); return null; }
            if (cursor - p != der.Length) { cert.Dispose(); return null; }
            return cert;
        }
    }
}
