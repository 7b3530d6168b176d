using System.Runtime.InteropServices;

namespace TorRelay.Core.Tls.Native;

/// <summary>Owns one SSL_CTX reference. Every SSL made from it holds its own reference, so disposing the context
/// while connections are open is safe.</summary>
internal sealed class SslCtxHandle : SafeHandle
{
    public SslCtxHandle() : base(IntPtr.Zero, ownsHandle: true) { }

    public override bool IsInvalid => handle == IntPtr.Zero;

    public static SslCtxHandle Create()
    {
        var ctx = new SslCtxHandle();
        ctx.SetHandle(LibSsl.SSL_CTX_new(LibSsl.TLS_method()));
        if (ctx.IsInvalid)
            throw OpenSslError.Take("SSL_CTX_new");
        return ctx;
    }

    protected override bool ReleaseHandle()
    {
        LibSsl.SSL_CTX_free(handle);
        return true;
    }
}
