using System.Buffers;

namespace TorRelay.Core.Channels;

/// <summary>
/// Buffers for fixed-length cells (514 bytes: link protocol 4+), kept for reuse in one stripe per CPU. ArrayPool.Shared
/// rounds 514 up to 1,024 bytes and keeps 32 arrays per CPU; a busy relay has thousands of cells queued, so beyond
/// those it allocated a fresh array for most forwarded cells (5 % of the relay's CPU at saturation went to the GC) and
/// each queued cell held twice its size. A stripe is found by the CPU the caller runs on, so threads on different
/// cores do not share a lock; a stripe that is empty (or full) sends the caller on to the next ones.
/// </summary>
public sealed class CellPool : ArrayPool<byte>
{
    /// <summary>The length of every buffer: a fixed-length cell with a 4-byte circuit ID.</summary>
    public const int CellLength = 514;

    /// <summary>Buffers kept at most, all stripes together (4 MiB): room for a few busy channels' queues to drain and refill.</summary>
    public const int DefaultMaxCells = 8192;

    private readonly Stripe[] _stripes;

    public CellPool(int maxCells = DefaultMaxCells)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxCells);
        int stripes = Math.Max(1, Environment.ProcessorCount);
        _stripes = new Stripe[stripes];
        for (int i = 0; i < stripes; i++) _stripes[i] = new Stripe((maxCells + stripes - 1) / stripes);
    }

    /// <summary>Buffers held for reuse now (for tests).</summary>
    public int Available
    {
        get
        {
            int n = 0;
            foreach (var s in _stripes) n += s.Count;
            return n;
        }
    }

    /// <summary>A <see cref="CellLength"/>-byte buffer, not cleared; <paramref name="minimumLength"/> may not exceed that.</summary>
    public override byte[] Rent(int minimumLength)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minimumLength, CellLength);
        int first = Home();
        for (int i = 0; i < _stripes.Length; i++)
            if (_stripes[(first + i) % _stripes.Length].TryPop() is { } cell) return cell;
        return GC.AllocateUninitializedArray<byte>(CellLength);
    }

    /// <summary>Keeps <paramref name="array"/> for reuse if it is a cell buffer and there is room; otherwise the GC takes it.</summary>
    public override void Return(byte[] array, bool clearArray = false)
    {
        ArgumentNullException.ThrowIfNull(array);
        if (array.Length != CellLength) return;
        if (clearArray) Array.Clear(array);
        int first = Home();
        for (int i = 0; i < _stripes.Length; i++)
            if (_stripes[(first + i) % _stripes.Length].TryPush(array)) return;
    }

    private int Home() => _stripes.Length == 1 ? 0 : Thread.GetCurrentProcessorId() % _stripes.Length;

    /// <summary>A bounded stack of buffers under its own lock.</summary>
    private sealed class Stripe(int capacity)
    {
        private readonly Lock _lock = new();
        private readonly byte[]?[] _items = new byte[capacity][];
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public byte[]? TryPop()
        {
            if (Volatile.Read(ref _count) == 0) return null;
            lock (_lock)
            {
                if (_count == 0) return null;
                var cell = _items[--_count];
                _items[_count] = null;
                return cell;
            }
        }

        public bool TryPush(byte[] cell)
        {
            if (Volatile.Read(ref _count) == _items.Length) return false;
            lock (_lock)
            {
                if (_count == _items.Length) return false;
                _items[_count++] = cell;
                return true;
            }
        }
    }
}
