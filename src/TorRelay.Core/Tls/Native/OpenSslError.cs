using System.Text;

namespace TorRelay.Core.Tls.Native;

/// <summary>Turns the calling thread's OpenSSL error queue into an exception (the queue is thread-local, so this
/// must run on the thread that made the failing call, before any other OpenSSL call).</summary>
internal static unsafe class OpenSslError
{
    public static TlsException Take(string operation, int sslError = 0)
    {
        var message = new StringBuilder(operation);
        if (sslError != 0)
            message.Append(" (SSL_get_error ").Append(sslError).Append(')');
        byte* text = stackalloc byte[256];
        for (int i = 0; i < 8; i++)
        {
            ulong error = LibCrypto.ERR_get_error();
            if (error == 0)
                break;
            LibCrypto.ERR_error_string_n(error, text, 256);
            message.Append(i == 0 ? ": " : "; ").Append(new string((sbyte*)text));
        }
        LibCrypto.ERR_clear_error();
        return new TlsException(message.ToString());
    }

    public static void ThrowIfFailed(int result, string operation)
    {
        if (result != 1)
            throw Take(operation);
    }
}
