using TorRelay.Cells;

namespace TorRelay.NetBench;

/// <summary>
/// Circuit IDs for links the benchmark opened: tor-spec §5.1.1 gives the link's initiator the IDs with the high bit
/// set; never zero, never reused on this run (2^31 of them). Thread-safe.
/// </summary>
public sealed class InitiatorCircIds
{
    private int _last;

    public CircId Next() => new(0x8000_0000u | (uint)(Interlocked.Increment(ref _last) & 0x7FFF_FFFF));
}
