using System.Text;

namespace TorRelay.Cells.Relay;

/// <summary>
/// RELAY_RESOLVE (tor-spec §6.4): a hostname, or an in-addr.arpa / ip6.arpa name for a reverse lookup, NUL-terminated.
/// A missing NUL is tolerated: the whole body is the name.
/// </summary>
public readonly struct ResolveMessage : IRelayMessage<ResolveMessage>
{
    public ResolveMessage(string hostname) => Hostname = hostname;

    public static RelayCommand Command => RelayCommand.Resolve;
    public string Hostname { get; }

    public static bool TryDecode(ReadOnlySpan<byte> body, out ResolveMessage message, out CellError error)
    {
        int nul = body.IndexOf((byte)0);
        var name = nul >= 0 ? body[..nul] : body;
        if (name.Length == 0) return Wire.Fail(out message, out error);
        message = new ResolveMessage(Encoding.Latin1.GetString(name));
        return Wire.Ok(out error);
    }

    public int EncodeTo(Span<byte> destination)
    {
        if (string.IsNullOrEmpty(Hostname)) throw new InvalidOperationException("RESOLVE needs a name");
        Wire.EnsureRoom(destination, Hostname.Length + 1);
        int n = Encoding.Latin1.GetBytes(Hostname, destination);
        destination[n] = 0;
        return n + 1;
    }
}
