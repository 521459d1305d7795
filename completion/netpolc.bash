# bash completion for netpolc                              -*- shell-script -*-
#
# Completes the commands, each command's options, the targets after -t
# (and, once a target is given, its own options), the values of options
# that take a fixed set, interfaces after --dev, and file names.  make
# install puts it in $(PREFIX)/share/bash-completion/completions/netpolc.
#
# The lists mirror `netpolc --help`, `netpolc CMD --help` and `netpolc
# compile -t help`; tests/check-completion.sh fails when they differ.

_netpolc_commands='compile check query test table list diff cidr fmt bpf version'
_netpolc_input='-f --file -n --default-namespace -q --quiet --werror -W --warning -h --help'
_netpolc_opts_compile="-t --target -o --output --endpoint --namespace --labels --ip --node
	--stats --stop-after $_netpolc_input"
_netpolc_opts_check="$_netpolc_input"
_netpolc_host='--namespace --labels --ip'
_netpolc_opts_query="--from --to --port --family -o --output $_netpolc_host $_netpolc_input"
_netpolc_opts_test="-o --output $_netpolc_input"
_netpolc_opts_table="--port --family -o --output $_netpolc_host $_netpolc_input"
_netpolc_opts_list="--by --family --explain --exposure --from --to --port -o --output
	$_netpolc_host $_netpolc_input"
_netpolc_opts_diff="--by --family -o --output $_netpolc_input"
_netpolc_opts_cidr='--merge --exclude --intersect --ranges -h --help'
_netpolc_opts_fmt='-w --write -h --help'
_netpolc_opts_bpf='--dev --object -h --help'
_netpolc_opts_version=''
_netpolc_targets='bpf calico dsl ip6tables iptables json k8s nftables help'
_netpolc_target_opts_calico='--calico-name-prefix'
_netpolc_target_opts_iptables='--chain-prefix --ipset --coexist --allow --reject --log-prefix'
_netpolc_target_opts_ip6tables='--chain-prefix --ipset --coexist --allow --reject --log-prefix'
_netpolc_target_opts_json='--locations'
_netpolc_target_opts_k8s='--inventory'
_netpolc_target_opts_nftables='--table --allow --counters --log-prefix --priority --reject'

# _netpolc_words WORDS: COMPREPLY from the words that start with $cur
_netpolc_words()
{
	local IFS=$' \t\n'
	# shellcheck disable=SC2207
	COMPREPLY=($(compgen -W "$1" -- "$cur"))
}

_netpolc_files()
{
	local IFS=$'\n'
	# shellcheck disable=SC2207
	COMPREPLY=($(compgen -f -- "$cur"))
	compopt -o filenames 2>/dev/null
}

_netpolc()
{
	local cur prev cmd target='' i v
	COMPREPLY=()
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD - 1]}
	if [ "$COMP_CWORD" -eq 1 ]; then
		_netpolc_words "$_netpolc_commands -h --help -V --version"
		return
	fi
	cmd=${COMP_WORDS[1]}
	case $cmd in
	'' | *[!a-z0-9-]*) return ;;
	esac
	for ((i = 2; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		-t | --target) target=${COMP_WORDS[i + 1]} ;;
		esac
	done
	case $target in
	*[!a-z0-9-]*) target='' ;;
	esac
	case $prev in
	-t | --target)
		_netpolc_words "$_netpolc_targets"
		return
		;;
	-o | --output)
		case $cmd in
		query | test) _netpolc_words 'text json' ;;
		table) _netpolc_words 'text json svg html' ;;
		list) _netpolc_words 'text json csv markdown dot svg html' ;;
		diff) _netpolc_words 'text json markdown svg html' ;;
		*) _netpolc_files ;;
		esac
		return
		;;
	--by)
		_netpolc_words 'pod workload namespace'
		return
		;;
	--family)
		_netpolc_words '4 6'
		return
		;;
	--stop-after)
		_netpolc_words 'resolve merge group'
		return
		;;
	--port)
		_netpolc_words 'tcp/ udp/ sctp/'
		compopt -o nospace 2>/dev/null
		return
		;;
	--dev)
		_netpolc_words "$(ls /sys/class/net 2>/dev/null)"
		return
		;;
	-n | --default-namespace | --from | --to | --endpoint | --namespace | --labels | --ip | \
		--node | --table | --chain-prefix | --calico-name-prefix)
		return
		;;
	esac
	if [[ $cur == -* ]]; then
		v=_netpolc_opts_${cmd//-/_}
		v=${!v-}
		if [ "$cmd" = compile ] && [ -n "$target" ]; then
			i=_netpolc_target_opts_${target//-/_}
			v="$v ${!i-}"
		fi
		_netpolc_words "$v"
		return
	fi
	if [ "$cmd" = bpf ] && [ "$COMP_CWORD" -eq 2 ]; then
		_netpolc_words 'attach detach'
		return
	fi
	[ "$cmd" = version ] && return
	_netpolc_files
}
complete -F _netpolc netpolc
