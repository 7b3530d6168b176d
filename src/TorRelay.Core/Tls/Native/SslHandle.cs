using System.Runtime.InteropServices;

namespace TorRelay.Core.Tls.Native;

/// <summary>Owns one SSL object and (after SSL_set_bio) its two BIOs; the finalizer frees them if a
/// connection is dropped without being disposed.</summary>
internal sealed class SslHandle : SafeHandle
{
    public SslHandle() : base(IntPtr.Zero, ownsHandle: true) { }

    public override bool IsInvalid => handle == IntPtr.Zero;

    public static SslHandle Create(SslCtxHandle ctx)
    {
        var ssl = new SslHandle();
        bool added = false;
        try
        {
            ctx.DangerousAddRef(ref added);
            ssl.SetHandle(LibSsl.SSL_new(ctx.DangerousGetHandle()));
        }
        finally
        {
            if (added)
                ctx.DangerousRelease();
        }
        if (ssl.IsInvalid)
            throw OpenSslError.Take("SSL_new");
        return ssl;
    }

    protected override bool ReleaseHandle()
    {
        LibSsl.SSL_free(handle);
        return true;
    }
}
