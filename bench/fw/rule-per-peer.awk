# rule-per-peer.awk - rewrite a netpolc iptables-restore file into the
# shape kube-router and Capirca emit, for bench/fw: the dispatch tree
# becomes one linear chain of per-endpoint jumps (every endpoint address
# tested in turn), and every multiport list becomes one rule per port (one
# rule per peer prefix per port).  The verdicts are unchanged.  The
# dispatch chains are written in reverse address order, so the bench's own
# pods (the lowest addresses) are tested last: the worst case of a linear
# chain, which a packet to a random one of N endpoints meets half-way on
# average.
# inner dispatch nodes (a prefix test, or the other half) and their chains
/^-A NETPOLC-D[EI](-[0-9a-fx]+)? .*-g NETPOLC-D[EI]/ { next }
/^:NETPOLC-D[EI]-[0-9a-fx]+ / { next }
# a leaf's address tests move to the root chain
/^-A NETPOLC-D[EI]-[0-9a-fx]+ / { sub(/^-A NETPOLC-D[EI]-[0-9a-fx]+ /, "-A " substr($2, 1, 10) " ", $0) }
/^-A NETPOLC-D[EI] / { held[++nheld] = $0; next }
nheld { for (i = nheld; i >= 1; i--) print held[i]; nheld = 0 }
/ -m multiport --dports / {
	n = split($0, w, " ")
	for (i = 1; i <= n; i++)
		if (w[i] == "--dports")
			break
	m = split(w[i + 1], ports, ",")
	for (j = 1; j <= m; j++) {
		line = ""
		for (k = 1; k <= n; k++) {
			if (w[k] == "-m" && w[k + 1] == "multiport") { k++; continue }
			if (k == i) { line = line " --dport"; continue }
			if (k == i + 1) { line = line " " ports[j]; continue }
			line = line " " w[k]
		}
		print substr(line, 2)
	}
	next
}
{ print }
END { for (i = nheld; i >= 1; i--) print held[i] }
