namespace TorRelay.Core.Tests.Channels;

/// <summary>A clock that moves only when told to: timestamps in milliseconds.</summary>
internal sealed class ManualClock : TimeProvider
{
    private long _ms = 1_000;

    public override long TimestampFrequency => 1000;

    public override long GetTimestamp() => Interlocked.Read(ref _ms);

    public override DateTimeOffset GetUtcNow() => DateTimeOffset.UnixEpoch.AddMilliseconds(GetTimestamp());

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ms, (long)by.TotalMilliseconds);
}
