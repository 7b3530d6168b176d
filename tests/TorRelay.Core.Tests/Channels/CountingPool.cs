using System.Buffers;

namespace TorRelay.Core.Tests.Channels;

/// <summary>Hands out fresh cell buffers and records every one returned, so a test can tell none was lost or returned twice.</summary>
internal sealed class CountingPool : ArrayPool<byte>
{
    private readonly HashSet<byte[]> _out = new(ReferenceEqualityComparer.Instance);
    private readonly object _gate = new();

    public int Returned { get; private set; }

    public int Outstanding
    {
        get { lock (_gate) return _out.Count; }
    }

    public override byte[] Rent(int minimumLength)
    {
        var buffer = new byte[minimumLength];
        lock (_gate) _out.Add(buffer);
        return buffer;
    }

    public override void Return(byte[] array, bool clearArray = false)
    {
        lock (_gate)
        {
            if (!_out.Remove(array)) throw new InvalidOperationException("buffer returned twice or not from this pool");
            Returned++;
        }
    }

    /// <summary>A 514-byte cell whose first byte tags it (tests read the tag to see what was sent).</summary>
    public byte[] Cell(byte tag)
    {
        var cell = Rent(514);
        cell[0] = tag;
        return cell;
    }
}
