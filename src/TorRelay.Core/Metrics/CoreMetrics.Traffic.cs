using TorRelay.Core.Tls;

namespace TorRelay.Core.Metrics;

/// <summary>TLS connections report their ciphertext bytes here (tor_relay_traffic_bytes).</summary>
public sealed partial class CoreMetrics : ITlsTrafficObserver
{
    void ITlsTrafficObserver.BytesRead(int count) => BytesRead(count);
    void ITlsTrafficObserver.BytesWritten(int count) => BytesWritten(count);
}
