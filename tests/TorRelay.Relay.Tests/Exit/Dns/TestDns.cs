using System.Buffers.Binary;
using System.Net;
using System.Text;

namespace TorRelay.Relay.Tests.Exit.Dns;

/// <summary>A query as the fake server received it.</summary>
internal sealed record ReceivedQuery(ushort Id, string Name, ushort Type, byte[] QuestionBytes, bool ViaTcp);

/// <summary>A resource record for a reply; a null owner is a compression pointer to the question name.</summary>
internal sealed record Rr(string? Owner, ushort Type, uint Ttl, byte[] Data)
{
    public static Rr A(string? owner, string address, uint ttl = 3600) => new(owner, 1, ttl, IPAddress.Parse(address).GetAddressBytes());
    public static Rr Aaaa(string? owner, string address, uint ttl = 3600) => new(owner, 28, ttl, IPAddress.Parse(address).GetAddressBytes());
    public static Rr Cname(string? owner, string target, uint ttl = 3600) => new(owner, 5, ttl, TestDns.Name(target));
    public static Rr Ptr(string? owner, string target, uint ttl = 3600) => new(owner, 12, ttl, TestDns.Name(target));

    public static Rr Soa(string owner, uint ttl, uint minimum)
    {
        var data = new List<byte>(TestDns.Name("ns.example"));
        data.AddRange(TestDns.Name("hostmaster.example"));
        var numbers = new byte[20];
        BinaryPrimitives.WriteUInt32BigEndian(numbers.AsSpan(16), minimum);
        data.AddRange(numbers);
        return new Rr(owner, 6, ttl, data.ToArray());
    }
}

/// <summary>DNS packets written by hand for the tests, independently of the codec under test.</summary>
internal static class TestDns
{
    public static byte[] Name(string dotted)
    {
        var bytes = new List<byte>();
        foreach (string label in dotted.TrimEnd('.').Split('.'))
        {
            bytes.Add((byte)label.Length);
            bytes.AddRange(Encoding.Latin1.GetBytes(label));
        }
        bytes.Add(0);
        return bytes.ToArray();
    }

    public static ReceivedQuery ParseQuery(byte[] packet, bool viaTcp)
    {
        int at = 12;
        var labels = new List<string>();
        while (packet[at] != 0)
        {
            labels.Add(Encoding.Latin1.GetString(packet, at + 1, packet[at]));
            at += 1 + packet[at];
        }
        at++;
        ushort type = BinaryPrimitives.ReadUInt16BigEndian(packet.AsSpan(at));
        return new ReceivedQuery(BinaryPrimitives.ReadUInt16BigEndian(packet), string.Join('.', labels), type,
            packet[12..(at + 4)], viaTcp);
    }

    /// <summary>A reply echoing the question (or <paramref name="question"/> instead) with the given records.</summary>
    public static byte[] Reply(ReceivedQuery query, int rcode = 0, bool truncated = false, Rr[]? answers = null,
        Rr[]? authority = null, ushort? id = null, byte[]? question = null)
    {
        answers ??= [];
        authority ??= [];
        var packet = new List<byte>();
        Add16(packet, id ?? query.Id);
        Add16(packet, (ushort)(0x8000 | 0x0100 | 0x0080 | (truncated ? 0x0200 : 0) | rcode));
        Add16(packet, 1);
        Add16(packet, (ushort)answers.Length);
        Add16(packet, (ushort)authority.Length);
        Add16(packet, 0);
        packet.AddRange(question ?? query.QuestionBytes);
        foreach (var rr in answers.Concat(authority))
        {
            if (rr.Owner is null) packet.AddRange([0xC0, 0x0C]);
            else packet.AddRange(Name(rr.Owner));
            Add16(packet, rr.Type);
            Add16(packet, 1);
            packet.AddRange([(byte)(rr.Ttl >> 24), (byte)(rr.Ttl >> 16), (byte)(rr.Ttl >> 8), (byte)rr.Ttl]);
            Add16(packet, (ushort)rr.Data.Length);
            packet.AddRange(rr.Data);
        }
        return packet.ToArray();
    }

    /// <summary>The question of <paramref name="query"/> with its name in lower case.</summary>
    public static byte[] LowercasedQuestion(ReceivedQuery query) =>
        query.QuestionBytes.Select(b => b is >= (byte)'A' and <= (byte)'Z' ? (byte)(b | 0x20) : b).ToArray();

    private static void Add16(List<byte> packet, ushort value) => packet.AddRange([(byte)(value >> 8), (byte)value]);
}
