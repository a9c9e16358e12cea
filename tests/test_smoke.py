def test_servers_page_builds(servers_site):
    soup = servers_site.soup("servers.html")
    assert soup.h1.get_text() == "Servers"
