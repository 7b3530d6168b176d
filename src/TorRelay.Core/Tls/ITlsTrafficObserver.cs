namespace TorRelay.Core.Tls;

/// <summary>Counts bytes on the wire (ciphertext), as tor's traffic metrics do.</summary>
public interface ITlsTrafficObserver
{
    void BytesRead(int count);
    void BytesWritten(int count);
}
