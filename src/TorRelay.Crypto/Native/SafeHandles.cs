using System.Runtime.InteropServices;

namespace TorRelay.Crypto.Native;

/// <summary>Owns an EVP_PKEY*.</summary>
internal sealed class EvpPKeyHandle : SafeHandle
{
    public EvpPKeyHandle() : base(IntPtr.Zero, ownsHandle: true) { }
    public EvpPKeyHandle(IntPtr handle) : this() => SetHandle(handle);
    public override bool IsInvalid => handle == IntPtr.Zero;
    protected override bool ReleaseHandle() { LibCrypto.EVP_PKEY_free(handle); return true; }
}

/// <summary>Owns an EVP_PKEY_CTX*.</summary>
internal sealed class EvpPKeyCtxHandle : SafeHandle
{
    public EvpPKeyCtxHandle() : base(IntPtr.Zero, ownsHandle: true) { }
    public override bool IsInvalid => handle == IntPtr.Zero;
    protected override bool ReleaseHandle() { LibCrypto.EVP_PKEY_CTX_free(handle); return true; }
}

/// <summary>Owns an EVP_MD_CTX*.</summary>
internal sealed class EvpMdCtxHandle : SafeHandle
{
    public EvpMdCtxHandle() : base(IntPtr.Zero, ownsHandle: true) { }
    public override bool IsInvalid => handle == IntPtr.Zero;
    protected override bool ReleaseHandle() { LibCrypto.EVP_MD_CTX_free(handle); return true; }
}

/// <summary>Owns an X509*.</summary>
internal sealed class X509Handle : SafeHandle
{
    public X509Handle() : base(IntPtr.Zero, ownsHandle: true) { }
    public X509Handle(IntPtr handle) : this() => SetHandle(handle);
    public override bool IsInvalid => handle == IntPtr.Zero;
    protected override bool ReleaseHandle() { LibCrypto.X509_free(handle); return true; }
}
