using System.Buffers.Binary;

namespace TorRelay.Cells.Relay;

/// <summary>
/// RELAY_RESOLVED (tor-spec §6.4): a sequence of answers (C tor resolved_cell_parse): IPv4 values are 4 bytes, IPv6
/// 16, hostnames non-empty; error and unknown answers are kept as they came.
/// </summary>
public readonly struct ResolvedMessage : IRelayMessage<ResolvedMessage>
{
    private readonly ResolvedAnswer[] _answers;

    public ResolvedMessage(IReadOnlyList<ResolvedAnswer> answers) => _answers = [.. answers];

    public static RelayCommand Command => RelayCommand.Resolved;
    public IReadOnlyList<ResolvedAnswer> Answers => _answers ?? [];

    public static bool TryDecode(ReadOnlySpan<byte> body, out ResolvedMessage message, out CellError error)
    {
        if (body.Length > RelayCellHeader.MaxDataLength) return Wire.Fail(out message, out error, CellError.TooLong);
        var answers = new List<ResolvedAnswer>();
        int o = 0;
        while (o < body.Length)
        {
            if (body.Length - o < 2) return Wire.Fail(out message, out error);
            var type = (ResolvedType)body[o];
            int len = body[o + 1];
            if (body.Length - o < 2 + len + 4) return Wire.Fail(out message, out error);
            bool ok = type switch
            {
                ResolvedType.Ipv4 => len == 4,
                ResolvedType.Ipv6 => len == 16,
                ResolvedType.Hostname => len > 0,
                _ => true,
            };
            if (!ok) return Wire.Fail(out message, out error);
            answers.Add(new ResolvedAnswer(type, body.Slice(o + 2, len).ToArray(),
                BinaryPrimitives.ReadUInt32BigEndian(body[(o + 2 + len)..])));
            o += 2 + len + 4;
        }
        message = new ResolvedMessage(answers);
        return Wire.Ok(out error);
    }

    public int EncodeTo(Span<byte> destination)
    {
        int needed = 0;
        foreach (var a in Answers) needed += 2 + a.Value.Length + 4;
        Wire.EnsureRoom(destination, needed);
        int o = 0;
        foreach (var a in Answers)
        {
            if (a.Value.Length > 255) throw new InvalidOperationException("RESOLVED answer too long");
            destination[o] = (byte)a.Type;
            destination[o + 1] = (byte)a.Value.Length;
            a.Value.Span.CopyTo(destination[(o + 2)..]);
            BinaryPrimitives.WriteUInt32BigEndian(destination[(o + 2 + a.Value.Length)..], a.Ttl);
            o += 2 + a.Value.Length + 4;
        }
        return o;
    }
}
