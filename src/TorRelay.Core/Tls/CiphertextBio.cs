using System.Runtime.InteropServices;
using TorRelay.Core.Tls.Native;

namespace TorRelay.Core.Tls;

/// <summary>
/// A BIO type that reads and writes a <see cref="CiphertextQueues"/>: OpenSSL takes received ciphertext from it and
/// leaves the records to send in it. Compared with a pair of memory BIOs it saves a copy and a memset per direction
/// and holds no memory while a connection is idle. The callbacks run inside SSL calls, under the session's lock.
/// </summary>
internal static unsafe class CiphertextBio
{
    private const int BioTypeSourceSink = 0x0400;
    private const int FlagsRead = 0x01, FlagsReadWriteSpecial = 0x07, FlagsShouldRetry = 0x08;
    private const int CtrlPending = 10, CtrlFlush = 11, CtrlDup = 12, CtrlWritePending = 13;

    // The method table is created once and never changes; OpenSSL copies its name.
    private static readonly IntPtr s_method = CreateMethod();

    /// <summary>A new BIO over <paramref name="queues"/> (a GCHandle the caller frees after the BIO is freed).</summary>
    public static IntPtr New(GCHandle queues)
    {
        IntPtr bio = LibCrypto.BIO_new(s_method);
        if (bio == IntPtr.Zero) throw OpenSslError.Take("BIO_new");
        LibCrypto.BIO_set_data(bio, GCHandle.ToIntPtr(queues));
        LibCrypto.BIO_set_init(bio, 1);
        return bio;
    }

    private static IntPtr CreateMethod()
    {
        int type = LibCrypto.BIO_get_new_index();
        IntPtr method;
        fixed (byte* name = "torrelay ciphertext\0"u8)
            method = type == -1 ? IntPtr.Zero : LibCrypto.BIO_meth_new(type | BioTypeSourceSink, name);
        if (method == IntPtr.Zero
            || LibCrypto.BIO_meth_set_write_ex(method, &Write) != 1
            || LibCrypto.BIO_meth_set_read_ex(method, &Read) != 1
            || LibCrypto.BIO_meth_set_ctrl(method, &Ctrl) != 1)
            throw OpenSslError.Take("BIO_meth_new");
        return method;
    }

    private static CiphertextQueues Queues(IntPtr bio) =>
        (CiphertextQueues)GCHandle.FromIntPtr(LibCrypto.BIO_get_data(bio)).Target!;

    [UnmanagedCallersOnly]
    private static int Write(IntPtr bio, byte* data, nuint length, nuint* written)
    {
        // Never a retry, so no retry flag to clear (only Read sets one, on the read BIO).
        try
        {
            Queues(bio).AppendOutbound(new ReadOnlySpan<byte>(data, checked((int)length)));
        }
        catch (Exception)
        {
            *written = 0;
            return 0; // SSL_write fails; the connection closes
        }
        *written = length;
        return 1;
    }

    [UnmanagedCallersOnly]
    private static int Read(IntPtr bio, byte* data, nuint length, nuint* read)
    {
        LibCrypto.BIO_clear_flags(bio, FlagsReadWriteSpecial | FlagsShouldRetry);
        int n = Queues(bio).ReadInbound(new Span<byte>(data, (int)Math.Min(length, int.MaxValue)));
        *read = (nuint)n;
        if (n > 0) return 1;
        LibCrypto.BIO_set_flags(bio, FlagsRead | FlagsShouldRetry); // no data yet: SSL_ERROR_WANT_READ
        return 0;
    }

    [UnmanagedCallersOnly]
    private static nint Ctrl(IntPtr bio, int command, nint larg, IntPtr parg) => command switch
    {
        CtrlFlush or CtrlDup => 1,
        CtrlPending => Queues(bio).InboundLength,
        CtrlWritePending => Queues(bio).OutboundLength,
        _ => 0, // no kTLS, no peeking, no EOF: what a memory BIO answers for these
    };
}
